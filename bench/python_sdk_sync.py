"""Baseline for `cargo xtask bench` (docs/benchmarks.md, scenario 4): the same tenant sync done the
way the official Descope Python SDK is normally used -- load every tenant, then create or update
each desired tenant one by one.

Usage: python python_sdk_sync.py BASE_URL PROJECT_ID MANAGEMENT_KEY DESIRED.json [--retry-rate-limit]
DESIRED.json: [{"id", "name", "domains", "customAttributes"}, ...]
--retry-rate-limit: on the SDK's RateLimitException, sleep for its Retry-After (the SDK itself does
not retry a 429) and try the same call again, as Descope's rate-limiting page advises. Without it a
rate-limited write is counted as failed, as a plain script would.
Prints one line: `created=N updated=N unchanged=N failed=N`. Exit 1 if any write failed.
"""

import json
import sys
import time

from descope import API_RATE_LIMIT_RETRY_AFTER_HEADER, DescopeClient, RateLimitException


def call(retry, fn, **kwargs):
    """fn(**kwargs); with retry, a RateLimitException waits its Retry-After and tries again."""
    while True:
        try:
            return fn(**kwargs)
        except RateLimitException as e:
            if not retry:
                raise
            params = e.rate_limit_parameters or {}
            time.sleep(max(1, int(params.get(API_RATE_LIMIT_RETRY_AFTER_HEADER, 0) or 0)))


def main() -> int:
    base_url, project_id, key, desired_path = sys.argv[1:5]
    retry = "--retry-rate-limit" in sys.argv[5:]
    with open(desired_path, encoding="utf-8") as f:
        desired = json.load(f)

    client = DescopeClient(project_id=project_id, management_key=key, base_url=base_url)
    live = {t["id"]: t for t in call(retry, client.mgmt.tenant.load_all)["tenants"]}

    created = updated = unchanged = failed = 0
    for d in desired:
        t = live.get(d["id"])
        try:
            if t is None:
                call(
                    retry,
                    client.mgmt.tenant.create,
                    name=d["name"],
                    id=d["id"],
                    self_provisioning_domains=d["domains"],
                    custom_attributes=d["customAttributes"],
                )
                created += 1
            elif (
                t.get("name") != d["name"]
                or sorted(t.get("selfProvisioningDomains") or []) != sorted(d["domains"])
                or (t.get("customAttributes") or {}) != d["customAttributes"]
            ):
                # The SDK's update replaces every field: pass the live values for the rest.
                call(
                    retry,
                    client.mgmt.tenant.update,
                    id=d["id"],
                    name=d["name"],
                    self_provisioning_domains=d["domains"],
                    custom_attributes=d["customAttributes"],
                    enforce_sso=t.get("enforceSSO", False),
                    enforce_sso_exclusions=t.get("enforceSSOExclusions"),
                    disabled=t.get("disabled", False),
                )
                updated += 1
            else:
                unchanged += 1
        except Exception as e:  # noqa: BLE001 - count and go on, as a script would
            print(f"{d['id']}: {e}", file=sys.stderr)
            failed += 1

    print(f"created={created} updated={updated} unchanged={unchanged} failed={failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
