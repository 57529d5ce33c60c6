"""Reports over the ledger and the claim tables (read only)."""
