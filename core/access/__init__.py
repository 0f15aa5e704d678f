"""Who may do what, and the record of what was done: actors and role rules (`permissions`),
the audit trail and ledger revision (`audit`), accounts, passwords and sign-in throttling (`users`)."""
