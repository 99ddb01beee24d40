# seeds/000: "Grant the user access to Private Scanning."
import requests
from _gateway import BASE_URL, AUTH_HEADER

group_id = "my_group_id"
user_id = "user_1"
roles = ["USER_ROLE_PRIVATE_SCANNING"]
url = f"{BASE_URL}/groups/{group_id}/relationships/users"
payload = {
'data': [
{
'type': 'user',
"id": user_id,
'context_attributes': {
'add_roles': roles
}
}
]
}
headers = {
"accept": "application/json",**AUTH_HEADER,"content-type": "application/json"
}
res = requests.patch(url, json=payload, headers=headers)
print(res.status_code, res.text)
