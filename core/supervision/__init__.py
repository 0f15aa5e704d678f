"""Supervision, the office's answer to 久拖不决: the flagged list and its counts, 督办 notices with the
units' responses and escalations, stationed and special inspections, and the admin's rule settings."""
