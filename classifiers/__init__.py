"""Models: locating packaged model files, training students, and Beam model handlers."""
