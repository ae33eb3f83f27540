"""Pure rules and values: no I/O, no clock (`now` is an argument)."""
