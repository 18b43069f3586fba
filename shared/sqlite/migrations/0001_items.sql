-- Every record is one row: written whole, conditionally on its version (ARCHITECTURE.md:
-- one item, one conditional write). The secondary keys mirror domain.Item.Index.
CREATE TABLE items (
    collection TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    data       BLOB    NOT NULL,
    ix1_part   TEXT, ix1_sort TEXT,
    ix2_part   TEXT, ix2_sort TEXT,
    ix3_part   TEXT, ix3_sort TEXT,
    PRIMARY KEY (collection, key)
) WITHOUT ROWID;

-- Partial indexes: an item with no key for an index costs nothing in it (sparse, like a GSI).
CREATE INDEX items_ix1 ON items (collection, ix1_part, ix1_sort, key) WHERE ix1_part IS NOT NULL;
CREATE INDEX items_ix2 ON items (collection, ix2_part, ix2_sort, key) WHERE ix2_part IS NOT NULL;
CREATE INDEX items_ix3 ON items (collection, ix3_part, ix3_sort, key) WHERE ix3_part IS NOT NULL;
