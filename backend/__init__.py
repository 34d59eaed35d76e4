"""The e-services backend: citizens, applications, payments, security reports."""
