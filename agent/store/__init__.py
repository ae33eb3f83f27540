"""state.db: connection and migrations, the run lock, sequences, calendar side, mail side."""
