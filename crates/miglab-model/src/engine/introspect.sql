SELECT json_build_object(
  'tables', COALESCE((
    SELECT json_agg(json_build_object(
      'schema', n.nspname,
      'name', c.relname,
      'columns', COALESCE((
        SELECT json_agg(json_build_object(
          'name', a.attname,
          'data_type', format_type(a.atttypid, a.atttypmod),
          'not_null', a.attnotnull,
          'default', pg_get_expr(d.adbin, d.adrelid)
        ) ORDER BY a.attnum)
        FROM pg_attribute a
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      ), '[]'),
      'indexes', COALESCE((
        SELECT json_agg(json_build_object(
          'name', ic.relname,
          'definition', pg_get_indexdef(i.indexrelid),
          'unique', i.indisunique,
          'columns', (
            SELECT COALESCE(json_agg(COALESCE(a.attname, pg_get_indexdef(i.indexrelid, k.ord::int, true)) ORDER BY k.ord), '[]')
            FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY AS k(attnum, ord)
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum AND k.attnum > 0
          )
        ) ORDER BY ic.relname)
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = c.oid
      ), '[]'),
      'constraints', COALESCE((
        SELECT json_agg(json_build_object(
          'name', co.conname,
          'kind', co.contype,
          'definition', pg_get_constraintdef(co.oid)
        ) ORDER BY co.conname)
        FROM pg_constraint co
        WHERE co.conrelid = c.oid AND co.contype IN ('p', 'u', 'f', 'c', 'x')
      ), '[]')
    ) ORDER BY n.nspname, c.relname)
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p')
      AND n.nspname NOT IN ('information_schema', 'pg_catalog', 'pg_toast')
      AND n.nspname NOT LIKE 'pg\_%'
      AND NOT (n.nspname = 'public' AND c.relname = 'alembic_version')
  ), '[]'),
  'enums', COALESCE((
    SELECT json_agg(json_build_object(
      'schema', n.nspname,
      'name', t.typname,
      'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
    ) ORDER BY n.nspname, t.typname)
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'e'
      AND n.nspname NOT IN ('information_schema', 'pg_catalog')
      AND n.nspname NOT LIKE 'pg\_%'
  ), '[]'),
  'has_alembic_version', to_regclass('public.alembic_version') IS NOT NULL
)::text AS schema
