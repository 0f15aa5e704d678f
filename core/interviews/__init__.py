"""Interviews (约谈): recording one, its rectification plan's working-day deadline (provisional where
the calendar lacks a year), the moves of its track, follow-up measures, and the list and detail."""
