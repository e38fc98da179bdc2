"""Session running: the pure controller, cue delivery, the resumable record, what a session
did (for its summary) and the app's signal hooks."""
