-- The number of customers, kept beside them (customers.repo.sql.ts adjusts it in the transaction
-- of every insert and delete), so an unfiltered list reads its total instead of counting the rows.
INSERT INTO sequences (name, next) SELECT 'customers.count', count(*) FROM customers
  ON CONFLICT (name) DO UPDATE SET next = excluded.next;
