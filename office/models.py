"""The office's own work: submissions up and down (请示报告), and later tasks, meetings and staff."""
