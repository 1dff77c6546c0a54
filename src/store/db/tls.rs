//! TLS to the PostgreSQL server as libpq's `sslmode` and `sslrootcert` ask (rustls, its
//! ring provider passed in, nothing installed process-wide), and a connection's TLS
//! failures said in words a maintainer can act on.

use super::Error;
use super::conninfo::{self, SslMode, TlsSettings};
use crate::files::service;
use postgres::config::{Host, SslMode as CrateMode};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::sync::Arc;

/// Connects to the server `conninfo` names, with its TLS settings.
pub fn connect(conninfo: &str) -> Result<postgres::Client, Error> {
    let (settings, rest) = conninfo::split(conninfo).map_err(Error::Tls)?;
    let mut config: postgres::Config = rest.parse()?;
    // As in libpq, TLS is for TCP: a Unix socket's connection is never encrypted.
    let tcp = !config.get_hostaddrs().is_empty()
        || config.get_hosts().iter().any(|h| matches!(h, Host::Tcp(_)));
    let mode = if tcp { settings.mode } else { SslMode::Disable };
    if mode == SslMode::Disable {
        return Ok(config
            .ssl_mode(CrateMode::Disable)
            .connect(postgres::NoTls)?);
    }
    if config.get_hosts().is_empty() {
        // Only addresses: the certificate can be checked against no name, but its chain can.
        if mode == SslMode::VerifyFull {
            return Err(Error::Tls(
                "sslmode=verify-full checks the certificate against the host's name, and only \
                 hostaddr is given: add host=NAME (the name in the server's certificate)"
                    .to_string(),
            ));
        }
        for addr in config.get_hostaddrs().to_vec() {
            config.host(&addr.to_string());
        }
    }
    config.ssl_mode(match mode {
        SslMode::Prefer => CrateMode::Prefer,
        _ => CrateMode::Require,
    });
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(client_config(&settings, mode)?);
    config.connect(tls).map_err(|e| explain(e, &settings, mode))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// rustls' default key log stays off: an `SSLKEYLOGFILE` in the person's environment must not
/// make the service account write the connection's keys out.
fn client_config(settings: &TlsSettings, mode: SslMode) -> Result<ClientConfig, Error> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(format!("setting up TLS: {e}")))?;
    let check_chain = match mode {
        SslMode::VerifyCa | SslMode::VerifyFull => true,
        SslMode::Require => settings.rootcert.is_some(),
        SslMode::Prefer | SslMode::Disable => false,
    };
    if !check_chain {
        let verifier = Arc::new(EncryptionOnly(provider.signature_verification_algorithms));
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth());
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots(settings)?), provider)
        .build()
        .map_err(|e| Error::Tls(format!("setting up TLS: {e}")))?;
    if mode == SslMode::VerifyFull {
        return Ok(builder.with_webpki_verifier(webpki).with_no_client_auth());
    }
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(ChainOnly(webpki)))
        .with_no_client_auth())
}

/// The CAs to trust: the `sslrootcert` file's, read with the rights the process runs under
/// (on a shared host the service account's, as the host config naming it is the
/// service's), else the public web roots.
fn roots(settings: &TlsSettings) -> Result<RootCertStore, Error> {
    let Some(path) = &settings.rootcert else {
        return Ok(RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        });
    };
    let file = |why: String| Error::Tls(format!("sslrootcert {}: {why}", path.display()));
    let pem = service::read(path).map_err(|e| file(format!("cannot read it: {e}")))?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| file(format!("not a PEM certificate file: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| file(format!("a certificate in it cannot serve as a CA: {e}")))?;
    }
    if roots.is_empty() {
        return Err(file(
            "holds no certificate: give a PEM file with the CA's \
             -----BEGIN CERTIFICATE----- block"
                .to_string(),
        ));
    }
    Ok(roots)
}

/// `require` without a root file: encryption against someone who only listens, no claim
/// about who the server is (libpq's meaning). The handshake's signatures are still
/// checked, so the keys agreed are those of the certificate presented.
#[derive(Debug)]
struct EncryptionOnly(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for EncryptionOnly {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// `verify-ca` (and `require` with a root file): the chain must lead to a trusted CA, and
/// the host name is not compared. rustls' own verifier checks the chain first and the name
/// only once the chain has passed, so its name-mismatch error is the one thing let
/// through; every other failure stands.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// A connection's TLS failure in words; any other failure as the crate says it.
fn explain(e: postgres::Error, settings: &TlsSettings, mode: SslMode) -> Error {
    use std::error::Error as _;
    // The crate gives no kind to test, only this message (tokio-postgres' connect_tls).
    if e.source()
        .is_some_and(|s| s.to_string() == "server does not support TLS")
    {
        return Error::Tls(format!(
            "the server does not offer TLS, and sslmode={mode} needs it: turn ssl on in the \
             server's configuration, or connect with sslmode=prefer (TLS when offered)"
        ));
    }
    let Some(cert) = certificate_error(&e) else {
        return Error::Postgres(e);
    };
    let roots = match &settings.rootcert {
        Some(path) => format!("the CA in sslrootcert {}", path.display()),
        None => "the public web roots (no sslrootcert given)".to_string(),
    };
    Error::Tls(match cert {
        CertificateError::UnknownIssuer => format!(
            "the server's certificate failed the chain check (sslmode={mode}): it is not \
             signed by {roots}; set sslrootcert to the PEM file of the CA that signed it"
        ),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            format!(
                "the server's certificate failed the host name check (sslmode={mode}): {cert}; \
                 connect by a name the certificate holds (or use sslmode=verify-ca, which \
                 checks only that {roots} signed it)"
            )
        }
        other => format!(
            "the server's certificate failed the check (sslmode={mode}, against {roots}): \
             {other}"
        ),
    })
}

/// The certificate check's refusal inside a handshake error, if that is what it was.
fn certificate_error(e: &postgres::Error) -> Option<&CertificateError> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = next {
        let tls = err.downcast_ref::<rustls::Error>().or_else(|| {
            err.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls::Error::InvalidCertificate(cert)) = tls {
            return Some(cert);
        }
        next = err.source();
    }
    None
}
