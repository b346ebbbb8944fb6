-- The number of customers, kept beside them (customers.repo.sql.ts adjusts it in the transaction
-- of every insert and delete), so an unfiltered list reads its total instead of counting the rows.
INSERT OR REPLACE INTO sequences (name, next) SELECT 'customers.count', count(*) FROM customers;
