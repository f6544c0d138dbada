from django.urls import reverse


def test_the_interface_is_japanese_by_default_and_english_on_request(client_for, personas):
    client = client_for(personas["officer"])
    assert "地域の概況" in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("dashboard")).content.decode()
    assert "Area overview" in page and "Log out" in page
