# seeds/000: "Clear all individual settings and grant administrative privileges within the group to both user_1 and user_2."
import requests
from _gateway import BASE_URL, AUTH_HEADER

group_id = "my_group_id"
user_id_1 = "user_1"
user_id_2 = "user_2"
roles = ["USER_ROLE_GROUP_ADMIN"]
url = f"{BASE_URL}/groups/{group_id}/relationships/users"
payload = {
'data': [
{
'type': 'user',
"id": user_id_1,
'context_attributes': {
'roles': roles
}
},
{
'type': 'user',
"id": user_id_2,
'context_attributes': {
'roles': roles
}
}
]
}
headers = {
"accept": "application/json",**AUTH_HEADER,"content-type": "application/json"
}
res = requests.patch(url, json=payload, headers=headers)
print(res.status_code, res.text)
