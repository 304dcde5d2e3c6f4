"""AWS CDK infrastructure of the Bedrock evaluation pipeline.

The stack lives in `infra.stack`; each module next to it holds one construct with one concern.
"""
