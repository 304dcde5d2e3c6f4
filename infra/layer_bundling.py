"""The dependency layer as a CDK asset, bundled locally by `PipLayerBuilder` (no Docker)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii

from infra.asset_layout import requirements_hash
from infra.layer_build import PipLayerBuilder

FALLBACK_IMAGE = "public.ecr.aws/sam/build-python3.12"


@jsii.implements(cdk.ILocalBundling)
class PipLayerBundling:
    """CDK's local bundler for the layer: the builder's output, so Docker is never needed."""

    def __init__(self, builder: PipLayerBuilder) -> None:
        self.builder = builder

    def try_bundle(self, output_dir: str, *args: Any, **options: Any) -> bool:
        """CDK calls this before falling back to Docker; returning True means "done locally".

        jsii passes the BundlingOptions as keyword arguments (image, command, ...); none of them
        matter for a local pip install, so they are accepted and ignored.
        """
        self.builder.build_into(output_dir)
        return True


def layer_code(requirements_file: Path, **builder_options: Any) -> cdk.aws_lambda.Code:
    """An asset of the installed requirements, hashed by requirements.txt alone.

    A custom hash keeps the layer version stable while handler code changes, and lets CDK skip
    bundling when the asset is already staged. Only requirements.txt is a source file.
    """
    bundler = PipLayerBundling(PipLayerBuilder(requirements_file, **builder_options))
    return cdk.aws_lambda.Code.from_asset(
        str(requirements_file.parent),
        exclude=["*", f"!{requirements_file.name}"],
        asset_hash_type=cdk.AssetHashType.CUSTOM,
        asset_hash=requirements_hash(requirements_file),
        bundling=cdk.BundlingOptions(
            image=cdk.DockerImage.from_registry(FALLBACK_IMAGE),
            local=bundler,
            command=[
                "bash",
                "-c",
                f"pip install -r /asset-input/{requirements_file.name} "
                "--target /asset-output/python --only-binary=:all: --quiet",
            ],
        ),
    )
