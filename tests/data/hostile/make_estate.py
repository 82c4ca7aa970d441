"""Writes estate.json and planted.json beside it (issue #13). Run from the repository
root: python tests/data/hostile/make_estate.py. Its output is committed; edit both."""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "estate"
sys.path.insert(0, str(HERE.parents[3]))
from checks.kinds import AUDITED_KINDS  # noqa: E402 (after the path is set)

SUB = "13131313-1313-4313-8313-131313131313"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-hostile"
ACR = f"{RG}/providers/Microsoft.ContainerRegistry/registries/hostileacr"
CG = f"{RG}/providers/Microsoft.ContainerInstance/containerGroups"
n = 0
planted = []


def s(fmt="Qzx7h{:02d}-S3cr3t-pw"):
    global n
    n += 1
    v = fmt.format(n)
    planted.append(v)
    return v


ghp = "ghp_Qzx7h" + "A1b2C3d4E5f6G7h8J9k0L1m2N3p4Q5"  # 36 after ghp_
planted.append(ghp)
long_value = ("user:pw@" * 50_000)[:400_000]
bidi = "pay\u202ements\u200b-evil"
group = {
    "id": f"{CG}/hostile-app",
    "name": "hostile-app",
    "location": "westeurope",
    "type": "Microsoft.ContainerInstance/containerGroups",
    "tags": {
        "owner": '=HYPERLINK("http://evil","click")',
        "deploy-token": s(),
        "note": f"login https://ci:{s()}@git.example.com/x.git",
        "conn": f"DefaultEndpointsProtocol=https;AccountName=a;AccountKey={s('Qzx7h{:02d}AbCdEfGhIjKlMnOpQrStUvWxYz0123456789==')}",
        "huge": long_value,
        "bidi": bidi,
        "cost": "+1+1",
        "at": "@SUM(A1)",
    },
    "properties": {
        "sku": "Standard",
        "osType": "Linux",
        "restartPolicy": "Always",
        "provisioningState": "Succeeded",
        "containers": [
            {
                "name": bidi,
                "properties": {
                    "image": f"admin:{s()}@registry.example.io/app:1.0",
                    "command": [
                        "sh",
                        "-c",
                        f'mysql -uroot -p{s()} -h db < /seed.sql && export PGPASSWORD={s()} && curl -H "Authorization: Bearer {s()}" https://x',
                    ],
                    "environmentVariables": [
                        {"name": "DB_PASSWORD", "value": s()},
                        {"name": "SFTP_USERS", "value": f"foo:{s()}:1001 bar:{s()}:1002"},
                        {"name": "DB_CONN", "secureValue": s()},
                        {"name": "LOG_LEVEL", "value": "info"},
                    ],
                    "resources": {"requests": {"cpu": float("nan"), "memoryInGB": 1.5}},
                    "securityContext": {"privileged": "false", "allowPrivilegeEscalation": 1},
                    "livenessProbe": {
                        "exec": {
                            "command": [
                                "sh",
                                "-c",
                                f"curl -fsu admin:{s()} localhost/health && curl -H "
                                f"'Cookie: sid={s()}' -H \"X-Ms-Client-Secret: {s()}\" localhost/ready",
                            ]
                        }
                    },
                    "readinessProbe": {
                        "httpGet": {
                            "path": "/",
                            "port": 80,
                            "httpHeaders": [
                                {"name": "Authorization", "value": f"Basic {s()}"},
                                {"name": "X-Api-Key", "value": s()},
                                {"name": "Ocp-Apim-Subscription-Key", "value": s()},
                            ],
                        }
                    },
                    "ports": [{"port": 80}],
                },
            }
        ],
        "initContainers": [
            {
                "name": "init",
                "properties": {
                    "image": "busybox",
                    "command": ["wget", "--password", s(), "https://x/seed"],
                    "environmentVariables": [{"name": "TOKEN", "value": ghp}],
                },
            }
        ],
        "imageRegistryCredentials": [
            {"server": "registry.example.io", "username": "admin", "password": s()},
            {
                "server": "hostileacr.azurecr.io",
                "username": f"tok-{s('Qzx7h{:02d}Zk93Lm27Qp81Vx45Rt')}",
            },
        ],
        "volumes": [
            {"name": "repo", "gitRepo": {"repository": f"https://deploy:{s()}@github.com/o/r.git"}},
            {
                "name": "sec",
                "secret": {
                    "id_rsa": s(
                        "-----BEGIN RSA PRIVATE KEY-----\nQzx7h{:02d}MIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"
                    )
                },
            },
            {
                "name": "share",
                "azureFile": {
                    "shareName": "s",
                    "storageAccountName": "sa",
                    "storageAccountKey": s(),
                },
            },
        ],
        "diagnostics": {"logAnalytics": {"workspaceId": "w", "workspaceKey": s()}},
        "dnsConfig": {"nameServers": ["10.0.0.4"], "options": f"ndots:2 secret={s()}"},
        "extensions": [
            {
                "name": "kube-proxy",
                "properties": {
                    "extensionType": "kube-proxy",
                    "version": "1.0",
                    "settings": {"apiToken": s(), "clusterCidr": "10.0.0.0/16"},
                    "protectedSettings": {"kubeConfig": s()},
                },
            }
        ],
        "somethingAzureAddsNextYear": {"nested": [{"cmd": f"export API_SECRET={s()}"}]},
        "ipAddress": {
            "type": "Public",
            "ports": [{"port": 80, "protocol": "TCP"}],
            "ip": "20.1.2.3",
        },
    },
}
registry = {
    "id": ACR,
    "name": "hostileacr",
    "type": "Microsoft.ContainerRegistry/registries",
    "location": "westeurope",
    "tags": {"admin-password": s()},
    "sku": {"name": "Premium", "tier": "Premium"},
    "properties": {
        "loginServer": "hostileacr.azurecr.io",
        "adminUserEnabled": "true",
        "anonymousPullEnabled": {},
        "publicNetworkAccess": 1,
        "networkRuleSet": {"defaultAction": None},
        "provisioningState": "Succeeded",
    },
}
token = {
    "id": f"{ACR}/tokens/ci",
    "name": "ci",
    "type": "Microsoft.ContainerRegistry/registries/tokens",
    "properties": {
        "status": "enabled",
        "scopeMapId": f"{ACR}/scopeMaps/_repositories_pull",
        "credentials": {"passwords": [{"name": "password1", "value": s()}]},
    },
}
rule = {
    "id": f"{ACR}/cacheRules/hub",
    "name": "hub",
    "type": "Microsoft.ContainerRegistry/registries/cacheRules",
    "properties": {
        "sourceRepository": f"https://puller:{s()}@docker.io/library/nginx",
        "targetRepository": "nginx",
    },
}
profile = {
    "id": f"{RG}/providers/Microsoft.ContainerInstance/containerGroupProfiles/p",
    "name": "p",
    "type": "Microsoft.ContainerInstance/containerGroupProfiles",
    "properties": {
        "containers": [
            {
                "name": "c",
                "properties": {
                    "image": "nginx",
                    "command": ["run", f"--token={s()}"],
                    "environmentVariables": [{"name": "API_KEY", "value": s()}],
                },
            }
        ]
    },
}
doc = {
    "format": "aci-auditor.snapshot",
    "version": 1,
    "collected_at": "2026-12-01T00:00:00Z",
    "tool": {"name": "hostile"},
    "source": {"kind": "hostile"},
    "subscriptions": [
        {
            "subscriptionId": SUB,
            "displayName": "Hostile \u202eevil",
            "state": "Enabled",
            "tenantId": "t",
        }
    ],
    "coverage": [
        {"scope": f"/subscriptions/{SUB}", "kind": k, "status": "collected"} for k in AUDITED_KINDS
    ],
    "resources": [group, registry, token, rule, profile],
}
text = json.dumps(doc, indent=1, ensure_ascii=False)  # NaN written as NaN: hostile input
(HERE / "estate.json").write_text(text + "\n", encoding="utf-8")
(HERE / "planted.json").write_text(json.dumps(planted, indent=1) + "\n", encoding="utf-8")
print(len(planted), "planted")
