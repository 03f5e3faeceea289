"""Staff web app: chat widget with assessment table, login, case search/detail, consultation chart."""
