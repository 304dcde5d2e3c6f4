"""The pipeline without AWS: the synthesized template brought to life in moto, the real
handlers run in-process, and a deterministic stand-in for Bedrock's evaluation API.

`evalctl simulate` and the end-to-end tests share it, so what a newcomer runs offline is what the
tests prove. It needs the `sim` extra (moto, jsonschema); nothing in the Lambdas imports it.
"""
