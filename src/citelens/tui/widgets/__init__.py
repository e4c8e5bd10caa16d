"""The widgets of the citelens TUI, one module each."""
