"""What every acknowledgement of a finding must carry, as plain values (no aws_cdk import):
infra.nag enforces them while constructs acknowledge findings, and the tests that read the
synthesized output check them without starting CDK."""

# A reason shorter than this cannot say specifically why a finding stays.
MIN_REASON_LENGTH = 40
# Where cfn-lint acknowledgements keep their reasons in a resource's Metadata (cfn-lint itself
# reads only `config.ignore_checks`; reviewers and the tests read the reasons).
SCANNER_REASONS_KEY = "reasons"
