def test_home_page_is_public(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Clauses" in response.content.decode()


def test_pages_keep_their_header_without_a_saved_site_configuration(client, db):
    from dsfr.models import DsfrConfig

    DsfrConfig.objects.all().delete()
    response = client.get("/")
    assert response.status_code == 200
    assert "La clause sociale d'insertion, du marché public à l'emploi" in response.content.decode()
