-- The stand-in workflow runtime keeps what it receives in a database of its own
-- (workers/runtime-standin/migrations): the production schema holds only what production runs.
DROP TABLE `runtime_receipts`;
