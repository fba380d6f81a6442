//! Safety rules for the drop guard and the lock lessons, one file per rule under `rules/`.
