"""Pure logic: models, the plan engine, the exercise library, timelines and load.

Nothing in this package imports textual or tinydb; a test enforces it.
"""
