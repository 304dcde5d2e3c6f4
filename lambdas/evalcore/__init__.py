"""Pure evaluation-pipeline logic shared by the Lambdas, the CDK app and the evalctl CLI.

Nothing in this package calls AWS: handlers and scripts do the I/O and hand plain data in,
which keeps every rule here unit-testable without credentials.
"""
