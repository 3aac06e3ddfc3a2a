"""Reminder planning and delivery (APScheduler); arrives with the reminders issue."""
