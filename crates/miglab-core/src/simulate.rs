//! Static schema simulation: apply analysed DDL to the schema model to predict the resulting schema.

pub mod format_type;
