"""Accuracy evaluation on the labelled corpus (`make eval`)."""
