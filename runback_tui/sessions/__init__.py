"""Session running: the pure controller, cue delivery, the resumable record and app hooks."""
