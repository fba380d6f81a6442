SELECT COALESCE(json_agg(json_build_object(
  'oid', l.relation::bigint,
  'relation', CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END,
  'kind', c.relkind,
  'mode', l.mode
) ORDER BY l.relation, l.mode), '[]')
FROM pg_locks l
LEFT JOIN pg_class c ON c.oid = l.relation
LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.locktype = 'relation'
  AND l.pid = pg_backend_pid()
  AND l.granted
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.relation::bigint >= 16384
  AND (n.nspname IS NULL OR n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast'))
