"""The local PA stand-in can never serve production unnoticed."""

from tests.test_deploy_check import run_check_deploy


def test_check_deploy_fails_when_the_local_einvoicing_stand_in_is_enabled():
    result = run_check_deploy(COMPTOIR_EINVOICING_LOCAL_STANDIN="1")
    assert result.returncode != 0
    assert "comptoir.einvoicing.E001" in result.stdout + result.stderr


def test_check_deploy_is_clean_without_it():
    result = run_check_deploy(COMPTOIR_EINVOICING_LOCAL_STANDIN=None)
    assert result.returncode == 0, result.stdout + result.stderr
