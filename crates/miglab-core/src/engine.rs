//! Engine protocol, pure half: the introspection SQL, run plans with transaction boundaries, branch bookkeeping and error-position mapping.
