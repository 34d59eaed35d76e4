"""Domain services: fees, references, status changes, sign-in, payments, reports."""
