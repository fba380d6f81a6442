//! Downgrade analysis: does `downgrade()` undo `upgrade()` exactly, in reverse order?
