# seeds/000: "Lower the user's daily API cap to 10."
import requests
from _gateway import BASE_URL, AUTH_HEADER

group_id = "my_group_id"
user_id = "user_1"
allowance = 10
url = f"{BASE_URL}/groups/{group_id}/relationships/users"
payload = {
'data': [
{
'type': 'user',
'id': user_id,
'context_attributes': {
'quota_limits': {
'api_requests_daily': {
'allowed': allowance
}
}
}
}
]
}
headers = {
"accept": "application/json",**AUTH_HEADER,"content-type": "application/json"
}
res = requests.patch(url, json=payload, headers=headers)
print(res.status_code, res.text)
