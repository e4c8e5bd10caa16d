"""The screens of the citelens TUI, one module each."""
