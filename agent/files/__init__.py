"""The user's followup folder on disk: where each file lives, the settings file, the templates."""
