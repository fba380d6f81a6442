//! The lesson format: versioned TOML lesson folders parsed into a checked lesson model.
