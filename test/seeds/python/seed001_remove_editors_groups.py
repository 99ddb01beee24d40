# seeds/001: "Revoke access for members of group1 and group2 with editor privilege to the Threat Profile identified as 332e02da667746f180a9740e94a3ec98."
import requests
from _gateway import BASE_URL, AUTH_HEADER

profile_id = "332e02da667746f180a9740e94a3ec98"
relationship = "editors"
payload = {
"data":[
{
"type": "group",
"id": "group1"},
{
"type": "group",
"id": "group2"}
]
}
url = f"{BASE_URL}/threat_profiles/{profile_id}/relationships/{relationship}"
headers = {
"accept": "application/json",**AUTH_HEADER
}
response = requests.delete(url, json=payload, headers=headers)
print(response.status_code, response.text)
