"""Everything a team watches: the alarm topic, dashboards, alarms and saved log queries.

Import from the modules themselves (construct, settings, ...): this package imports nothing,
so reading its plain values (settings, bedrock_runtime) starts no CDK.
"""
