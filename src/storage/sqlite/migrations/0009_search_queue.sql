-- Messages waiting for the search indexer (SearchService): the transaction that stores a message
-- adds one small row here instead of tokenizing and writing the full-text index itself; the
-- indexer reads the queue in id order, builds the documents outside any transaction, and writes
-- them in large batches, deleting the rows it indexed. No foreign key: a message erased before
-- it is indexed is skipped (its queue row goes with the next batch).
CREATE TABLE search_queue (
    message_id BIGINT PRIMARY KEY,
    workspace_id BIGINT NOT NULL,
    inbox_id BIGINT NOT NULL
);
