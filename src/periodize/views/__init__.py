"""Views of a plan: terminal table, Markdown, iCalendar and a self-contained HTML report."""
