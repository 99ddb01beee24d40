# The only two things the seed examples change: where VirusTotal is (the gateway's /v1) and the auth header
# (a gateway client token instead of the VirusTotal key, which the caller never holds).
import os

BASE_URL = os.environ["GATEWAY_URL"] + "/v1"
AUTH_HEADER = {"authorization": "Bearer " + os.environ["GATEWAY_TOKEN"]}
