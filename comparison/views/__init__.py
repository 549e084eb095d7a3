"""Web pages of the comparison app: reports, sharing and the dashboard, one module each."""
