# The SQLite loadable extension of native/bulk_insert.c, built by scripts/build-native.mjs
# (npm run build). A loadable module like better-sqlite3's own test_extension: it links nothing,
# SQLite's functions come through the API pointer the extension is given when loaded. Compiled
# against the sqlite3ext.h of the better-sqlite3 it is loaded into.
{
  'targets': [
    {
      'target_name': 'bulk_insert',
      'type': 'loadable_module',
      'sources': ['bulk_insert.c'],
      'include_dirs': [
        '<!(node -p "require(\'path\').join(require(\'path\').dirname(require.resolve(\'better-sqlite3/package.json\')), \'deps\', \'sqlite3\')")',
      ],
      'cflags': ['-std=gnu11', '-Wall', '-fvisibility=hidden'], # (exports only the entry point)
    },
  ],
}
