"""Widgets of the back office: labelled field editors and the spending chart."""
