"""Faces: text for the terminal, HTML for Jupyter. They format results; they never compute."""
