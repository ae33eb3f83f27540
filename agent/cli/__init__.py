"""The shell: commands, views, the daemon and the wiring of real parts."""
