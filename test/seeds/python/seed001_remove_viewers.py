# seeds/001: "Remove access of user1 and members of group1 with viewer privilege to the Threat Profile with 332e02da667746f180a9740e94a3ec98 identifier."
import requests
from _gateway import BASE_URL, AUTH_HEADER

profile_id = "332e02da667746f180a9740e94a3ec98"
relationship = "viewers"
payload = {
"data":[
{
"type": "user",
"id": "user1"},
{
"type": "group",
"id": "group1"}
]
}
url = f"{BASE_URL}/threat_profiles/{profile_id}/relationships/{relationship}"
headers = {
"accept": "application/json",**AUTH_HEADER
}
response = requests.delete(url, json=payload, headers=headers)
print(response.status_code, response.text)
